import * as lib from 'powersync-jwt/inline';
import { probe } from './probe.mjs';

globalThis.runProbe = (input) => probe(lib, input);
