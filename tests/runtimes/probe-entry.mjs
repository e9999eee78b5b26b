// Entry for bundled and browser probes: the input arrives as a global.
import * as lib from 'powersync-jwt';
import { probe } from './probe.mjs';

globalThis.runProbe = (input) => probe(lib, input);
