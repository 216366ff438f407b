#!/usr/bin/env python3
"""The HTTP client of bench/vault: uploads and downloads one document through Accord's API.

It does what a browser or an SDK does with a large file, and what curl's command line does not:
the upload streams the file from the page cache with sendfile(2) inside a multipart/form-data
body (curl reads and copies it in 64 KiB pieces), and the download is written in 1 MiB blocks
(curl's command line writes through stdio in 4 KiB pieces, 136 000 write calls per GiB, which
cost more system time than the server's whole download path). `--fsync` makes the written copy
durable before the step ends, as `cp` followed by `sync FILE` is.

Standard library only; HTTP/1.1 over loopback, one request per connection.

    client.py upload BASE TOKEN PATH FILE TITLE TYPE      multipart/form-data; prints the id
    client.py upload-raw BASE TOKEN PATH FILE TITLE TYPE  the file as the body, the metadata in
                                                          the Accord-Filing header; prints the id
    client.py download BASE TOKEN PATH OUT [--fsync]
"""
import json
import os
import socket
import sys
import urllib.parse

BLOCK = 1 << 20


def connect(base):
    host, port = base.split("//", 1)[1].rsplit(":", 1)
    return socket.create_connection((host, int(port))), host


def read_head(sock):
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            sys.exit("the server closed the connection before its answer")
        buf += data
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, rest


def answer_id(sock):
    status, _, body = read_head(sock)
    while True:
        data = sock.recv(65536)
        if not data:
            break
        body += data
    if status != 201:
        sys.exit(f"the upload was answered {status}: {body[:400]!r}")
    print(json.loads(body)["id"])


def upload_raw(base, token, path, file, title, media_type):
    sock, host = connect(base)
    filing = urllib.parse.urlencode({"title": title, "file_name": os.path.basename(file)})
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Accord-Filing: {filing}\r\n"
        f"Content-Type: {media_type}\r\nContent-Length: {os.path.getsize(file)}\r\n"
        f"Connection: close\r\n\r\n"
    ).encode()
    sock.sendall(head)
    with open(file, "rb") as f:
        sock.sendfile(f)
    answer_id(sock)


def upload(base, token, path, file, title, media_type):
    sock, host = connect(base)
    boundary = "accord-bench-7d9f0c2e"
    name = os.path.basename(file)
    before = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
        f"Content-Type: application/json\r\n\r\n{json.dumps({'title': title})}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        f"Content-Type: {media_type}\r\n\r\n"
    ).encode()
    after = f"\r\n--{boundary}--\r\n".encode()
    length = len(before) + os.path.getsize(file) + len(after)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()
    sock.sendall(head + before)
    with open(file, "rb") as f:
        sock.sendfile(f)
    sock.sendall(after)
    answer_id(sock)


def download(base, token, path, out, fsync=False):
    sock, host = connect(base)
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Connection: close\r\n\r\n".encode()
    )
    status, headers, rest = read_head(sock)
    if status != 200:
        sys.exit(f"the download was answered {status}")
    want = int(headers["content-length"])
    block = memoryview(bytearray(BLOCK))
    got = len(rest)
    with open(out, "wb", buffering=0) as f:
        f.write(rest)
        filled = 0
        while got < want:
            n = sock.recv_into(block[filled:])
            if n == 0:
                break
            filled += n
            got += n
            if filled == BLOCK:
                f.write(block)
                filled = 0
        if filled:
            f.write(block[:filled])
        if fsync:
            os.fsync(f.fileno())
    if got != want:
        sys.exit(f"the download ended after {got} of {want} bytes")


if __name__ == "__main__":
    if len(sys.argv) == 8 and sys.argv[1] == "upload":
        upload(*sys.argv[2:8])
    elif len(sys.argv) == 8 and sys.argv[1] == "upload-raw":
        upload_raw(*sys.argv[2:8])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "download":
        download(*sys.argv[2:6], fsync=sys.argv[6:] == ["--fsync"])
    else:
        sys.exit(__doc__)
