// The messages of streams.proto as JS values (plain codec: bytes are Buffers, int64 numbers).

export interface PodContainer {
  namespace?: string;
  name?: string;
  container?: string;
  podUid?: string;
}

export interface PodLogsRequest {
  target?: PodContainer;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
}

export interface PodLogsResponse {
  data: Buffer;
  stream: string;
}

export interface TerminalSize {
  rows: number;
  cols: number;
}

export interface PodExecStart {
  target?: PodContainer;
  command: string[];
  stdin?: boolean;
  tty?: boolean;
  size?: TerminalSize;
}

export interface PodExecRequest {
  start?: PodExecStart;
  stdin?: Buffer;
  stdinClose?: boolean;
  resize?: TerminalSize;
}

export interface PodExecResponse {
  stdout: Buffer;
  stderr: Buffer;
  exited: boolean;
  exitCode: number;
}

export interface PodPortForwardRequest {
  target?: PodContainer;
  port?: number;
  data?: Buffer;
  close?: boolean;
}

export interface PodPortForwardResponse {
  data: Buffer;
}

export interface ContainerUsage {
  name: string;
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  uid: string;
  timestamp: string;
  windowSeconds: number;
  containers: ContainerUsage[];
}

export interface NodeUsage {
  name: string;
  timestamp: string;
  windowSeconds: number;
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

export interface NodeStatsResponse {
  node?: NodeUsage;
  pods: PodUsage[];
}
