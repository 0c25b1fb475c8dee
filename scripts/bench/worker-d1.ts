/** The Worker of src/index.ts as deployed, on the local D1 database; only its console lines are dropped (quiet-console.ts). */
import worker from '../../src/index';
import { dropConsoleLines } from './quiet-console';

dropConsoleLines();

export default worker;
