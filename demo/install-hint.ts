/** What to tell a newcomer whose machine has no nats-server. */
export const NATS_SERVER_INSTALL_HINT = `ncm demo needs nats-server (2.9 or newer) on PATH, and none was found.
Install it, then run the demo again:

  Debian/Ubuntu:  sudo apt-get install nats-server
  macOS:          brew install nats-server
  Docker:         docker run -d --name nats -p 4222:4222 nats:latest -js
                  ncm demo --server nats://127.0.0.1:4222
`;
