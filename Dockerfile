# strata in a container: `docker build -t strata .`, then
#   docker run --rm -v "$PWD:/work" strata plan --url "$DATABASE_URL" --to schemas/
# Two stages: the Rust toolchain builds the binary; the image that runs it
# is a slim Debian with the binary and a user that is not root.
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin strata \
 && strip target/release/strata

FROM debian:bookworm-slim
# TLS roots for managed databases (sslmode=verify-full against the OS store).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 strata
COPY --from=build /src/target/release/strata /usr/local/bin/strata
USER strata
WORKDIR /work
ENTRYPOINT ["strata"]
CMD ["--help"]
