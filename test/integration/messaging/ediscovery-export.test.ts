/** Issue 20's eDiscovery story (test/support/ediscovery-story.ts) with the server on PGlite. */
import { ediscoveryStory } from '../../support/ediscovery-story';

ediscoveryStory('pglite');
