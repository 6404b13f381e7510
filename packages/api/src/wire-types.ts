// The two message types that are not plain messages on the JS side.

/** A number on the JS side, or a string (intVal / strVal). */
export const INT_OR_STRING = '.skiff.v1.IntOrString';
/** The oneof wrapper that carries any kind: on the JS side it is the object itself. */
export const OBJECT = '.skiff.v1.Object';
