/** Issue 20's eDiscovery story (test/support/ediscovery-story.ts) with the server on PostgreSQL. */
import { ediscoveryStory } from '../../support/ediscovery-story';

ediscoveryStory('postgres');
