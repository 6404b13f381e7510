// Imported by main, before any module that loads dockerode, for its effect (as machinery's
// small-daemon-heap): what dockerode loads for ssh hosts and BuildKit sessions waits for its first
// use (runtime/docker/dockerode-extras.ts).
import { deferDockerodeExtras } from './runtime/docker/dockerode-extras.js';

deferDockerodeExtras();
