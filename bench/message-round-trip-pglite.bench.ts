/** The message round trip with the server on its embedded PGlite store: see message-round-trip.bench.ts. */
import { roundTripBenchmark } from './message-round-trip.bench';

export const benchmark = roundTripBenchmark('pglite');
