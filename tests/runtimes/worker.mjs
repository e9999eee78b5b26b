// A Cloudflare Worker: POST the probe input, get the results.
import * as lib from 'powersync-jwt';
import * as issuing from 'powersync-jwt/issuing';
import { probe } from './probe.mjs';

export default {
  async fetch(request) {
    const input = await request.json();
    return Response.json(await probe(lib, input, issuing));
  },
};
