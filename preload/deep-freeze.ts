/** Freezes an object graph so a hostile page cannot swap a bridge method for its own. */
export function deepFreeze<T>(value: T): T {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value as unknown);
    }
    Object.freeze(value);
  }
  return value;
}
