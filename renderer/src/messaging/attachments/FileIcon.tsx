/** A document with a folded corner and its kind written on it: a PDF, or a photo not shown yet. */
export function FileIcon({ label }: { readonly label: 'PDF' | 'IMG' }) {
  return (
    <svg className="file-icon" viewBox="0 0 40 48" aria-hidden="true" focusable="false">
      <path d="M4 2h22l10 10v34H4z" fill="#ffffff" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
      <path d="M26 2v10h10" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
      <rect x="1" y="25" width="30" height="13" rx="2" fill={label === 'PDF' ? '#a4161a' : '#0a5c8a'} />
      <text x="16" y="35" textAnchor="middle" fontSize="10" fontWeight="700" fill="#ffffff" fontFamily="sans-serif">
        {label}
      </text>
    </svg>
  );
}
