// The packed package's browser layers in WebKitGTK (JavaScriptCore): see engines.mjs.
import { engineTests } from './engines.mjs';

engineTests('webkit');
