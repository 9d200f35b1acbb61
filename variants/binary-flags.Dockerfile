# The service's main package built once per set of flags the articles discuss,
# all in one builder: no flags, -w, -s, -s -w, and -trimpath -s -w; then the
# same source copied to another folder and built again with and without
# -trimpath, to see whether the bytes depend on where it was built. The
# binaries are read from /out, never run except /out/sw with -panic.
ARG GOLANG_ALPINE_IMAGE=golang:1.24-alpine
FROM ${GOLANG_ALPINE_IMAGE} AS builder
WORKDIR /app
# The service's folder in the build context: `.`, unless imgbench is given
# --context (a monorepo whose go.mod replaces modules with sibling folders).
ARG SERVICE_DIR=.
COPY ${SERVICE_DIR}/go.mod ${SERVICE_DIR}/go.sum* ${SERVICE_DIR}/vendo[r]/modules.tx[t] ${SERVICE_DIR}/
# As the variants do: no download for vendored modules or a replace to a folder.
RUN cd ${SERVICE_DIR} && if [ -f modules.txt ]; then rm modules.txt; elif grep -Eq '=>[[:space:]]*[.]{0,2}/' go.mod; then :; else go mod download; fi
COPY . .
ARG MAIN_PKG=.
ENV CGO_ENABLED=0 GOOS=linux
RUN mkdir /out \
 && cd ${SERVICE_DIR} \
 && go build -o /out/plain ${MAIN_PKG} \
 && go build -ldflags="-w" -o /out/w ${MAIN_PKG} \
 && go build -ldflags="-s" -o /out/s ${MAIN_PKG} \
 && go build -ldflags="-s -w" -o /out/sw ${MAIN_PKG} \
 && go build -trimpath -ldflags="-s -w" -o /out/trimpath ${MAIN_PKG}
RUN cp -r /app /elsewhere \
 && cd /elsewhere/${SERVICE_DIR} \
 && go build -ldflags="-s -w" -o /out/sw-elsewhere ${MAIN_PKG} \
 && go build -trimpath -ldflags="-s -w" -o /out/trimpath-elsewhere ${MAIN_PKG}

FROM scratch
COPY --from=builder /out/ /out/
CMD ["/out/sw", "-panic"]
