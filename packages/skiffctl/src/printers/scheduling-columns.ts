// Columns of PriorityClass, as kubectl's (NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY).
import { AGE, NAME, col, loose, type Column } from './column.js';

export const priorityClassColumns: Column[] = [
  NAME,
  col('VALUE', (o) => String(loose(o).value ?? 0)),
  col('GLOBAL-DEFAULT', (o) => String(loose(o).globalDefault === true)),
  AGE,
  col('PREEMPTIONPOLICY', (o) => loose(o).preemptionPolicy || 'PreemptLowerPriority'),
];
