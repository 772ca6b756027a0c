/**
 * Imported first by each preload entry: zod decides whether to compile validators with
 * `new Function` when schemas are built, and the page's CSP has no 'unsafe-eval'. Even the probe
 * is reported as a violation, which would drown real ones, so it must never run.
 */
import { z } from 'zod';

z.config({ jitless: true });
