#!/usr/bin/env python3
"""A local SMTP sink for scripts/bench-notify.sh: accepts every message on 127.0.0.1,
counts it and throws it away. Standard library only (smtpd left Python in 3.12).

    smtp-sink.py --port-file PATH [--quick-ack]   # writes its port, then serves forever

--quick-ack acknowledges every TCP segment at once. lettre writes a message's body and
its final "." in two writes; with Nagle's algorithm on the client, the second waits for
the server's ACK of the first, which a server delays (up to 40 ms on Linux) unless it
acknowledges at once. Real SMTP servers delay it; --quick-ack shows notify's own cost.
"""
import argparse
import socket
import socketserver


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        # Replies go out at once: with Nagle's algorithm a reply in several writes waits
        # for the client's delayed ACK, and the sink, not notify, would be measured.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb == b"DATA":
                self.reply("354 go on")
                while True:
                    if self.server.quick_ack:
                        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                self.server.count += 1
                self.reply("250 OK")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    count = 0
    quick_ack = False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--quick-ack", action="store_true")
    args = parser.parse_args()
    with Server(("127.0.0.1", 0), Session) as server:
        server.quick_ack = args.quick_ack
        with open(args.port_file, "w") as f:
            f.write(str(server.server_address[1]))
        server.serve_forever()


if __name__ == "__main__":
    main()
