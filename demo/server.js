// `npm run demo` runs `node demo/server.js`; the server itself is demo/server.ts (Node ≥ 24 strips the types).
import { run } from './server.ts';

run();
