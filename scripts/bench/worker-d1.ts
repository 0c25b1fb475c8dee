/** The Worker of src/index.ts as deployed, on the local D1 database; only its console lines are dropped (quiet-console.ts). */
import worker from '../../src/index.js';
import { dropConsoleLines } from './quiet-console.js';

dropConsoleLines();

export default worker;
