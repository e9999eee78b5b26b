// The packed package's browser layers in Firefox (SpiderMonkey): see engines.mjs.
import { engineTests } from './engines.mjs';

engineTests('firefox');
