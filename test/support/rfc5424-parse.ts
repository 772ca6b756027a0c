/**
 * The strict RFC 5424 parser now lives with the production code (the offline verifier reads a
 * syslog export with it); the SIEM tests keep importing it from here.
 */
export {
  paramsOf,
  parseRfc5424,
  Rfc5424Error,
  type SdElement,
  type SyslogMessage,
  unframe,
} from '../../shared/node/syslog/rfc5424-parse';
