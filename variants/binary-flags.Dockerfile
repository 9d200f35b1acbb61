# The service's main package built once per set of flags the articles discuss,
# all in one builder: no flags, -w, -s, -s -w, and -trimpath -s -w; then the
# same source copied to another folder and built again with and without
# -trimpath, to see whether the bytes depend on where it was built. The
# binaries are read from /out, never run except /out/sw with -panic.
ARG GOLANG_ALPINE_IMAGE=golang:1.24-alpine
FROM ${GOLANG_ALPINE_IMAGE} AS builder
WORKDIR /app
COPY go.mod go.sum* ./
RUN go mod download
COPY . .
ARG MAIN_PKG=.
ENV CGO_ENABLED=0 GOOS=linux
RUN mkdir /out \
 && go build -o /out/plain ${MAIN_PKG} \
 && go build -ldflags="-w" -o /out/w ${MAIN_PKG} \
 && go build -ldflags="-s" -o /out/s ${MAIN_PKG} \
 && go build -ldflags="-s -w" -o /out/sw ${MAIN_PKG} \
 && go build -trimpath -ldflags="-s -w" -o /out/trimpath ${MAIN_PKG}
RUN cp -r /app /elsewhere \
 && cd /elsewhere \
 && go build -ldflags="-s -w" -o /out/sw-elsewhere ${MAIN_PKG} \
 && go build -trimpath -ldflags="-s -w" -o /out/trimpath-elsewhere ${MAIN_PKG}

FROM scratch
COPY --from=builder /out/ /out/
CMD ["/out/sw", "-panic"]
