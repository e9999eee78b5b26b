// The packed package's browser layers in Chromium (V8): see engines.mjs.
import { engineTests } from './engines.mjs';

engineTests('chromium');
