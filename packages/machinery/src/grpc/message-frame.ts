// gRPC over HTTP/2's two small wire conventions, shared by every hand-made gRPC call and response
// (the machinery's lean unary client, the apiserver's etcd client and lean unary server).

/** A gRPC message on the wire: the compressed flag (0: not compressed), its length, its bytes. */
export function grpcFrame(message: Uint8Array): Buffer {
  const f = Buffer.allocUnsafe(5 + message.length);
  f[0] = 0;
  f.writeUInt32BE(message.length, 1);
  f.set(message, 5);
  return f;
}

/** A `grpc-message` header's text: percent-encoded on the wire; left as sent when malformed. */
export function decodeGrpcMessage(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
