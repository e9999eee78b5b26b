// Entry for bundled and browser probes: the input arrives as a global.
import * as lib from 'powersync-jwt';
import * as issuing from 'powersync-jwt/issuing';
import { probe } from './probe.mjs';

globalThis.runProbe = (input) => probe(lib, input, issuing);
