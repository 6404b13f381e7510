// Skiff's sample app: answers every HTTP request with the hostname of the container it runs in.
const http = require('node:http');
const os = require('node:os');

const port = Number(process.env.PORT || 3000);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(`${os.hostname()}\n`);
});
server.listen(port, () => console.log(`listening on ${port}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
