//! The rendezvous side of an onion service: each rendezvous request is
//! accepted as one circuit with a fresh local id ([`Identity::Circuit`], a
//! counter in memory), a bounded number of handshakes at once, and each of
//! its streams to port 80 handed to the server as one more [`Acceptor`];
//! a stream to any other port is refused as every onion service refuses it.

use crate::http::server::{Accepted, Acceptor, Identity};
use crate::proxy_protocol::CircuitId;
use arti_client::DataStream;
use futures::{Stream, StreamExt};
use std::io;
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tor_cell::relaycell::msg::{Connected, End, EndReason};
use tor_hsservice::{RendRequest, StreamRequest};
use tor_proto::stream::IncomingStreamRequest;

/// Rendezvous handshakes (each builds a circuit) under way at once, at
/// most; more requests are dropped, as an overloaded C tor drops them.
const HANDSHAKES: usize = 32;

/// The streams of one onion service, each tagged with its circuit's local
/// id. Dropping it stops accepting and closes every circuit it holds.
pub struct OnionAcceptor {
    streams: mpsc::Receiver<Accepted<DataStream>>,
    circuits: tokio::task::JoinHandle<()>,
}

impl OnionAcceptor {
    pub(super) fn new(requests: impl Stream<Item = RendRequest> + Send + 'static) -> OnionAcceptor {
        // Small: a stream waits here only while the server takes the one before.
        let (tx, streams) = mpsc::channel(8);
        let circuits = tokio::spawn(rendezvous(requests, tx));
        OnionAcceptor { streams, circuits }
    }
}

impl Drop for OnionAcceptor {
    fn drop(&mut self) {
        self.circuits.abort();
    }
}

impl Acceptor for OnionAcceptor {
    type Io = DataStream;

    async fn accept(&mut self) -> io::Result<Accepted<DataStream>> {
        match self.streams.recv().await {
            Some(stream) => Ok(stream),
            // The service is gone: nothing more comes until shutdown.
            None => std::future::pending().await,
        }
    }
}

/// Accepts each rendezvous request as one circuit with a fresh local id,
/// then that circuit's streams. The tasks live in a set that is aborted
/// with this one, which drops (and so closes) their circuits.
async fn rendezvous(
    requests: impl Stream<Item = RendRequest> + Send,
    tx: mpsc::Sender<Accepted<DataStream>>,
) {
    let handshakes = Arc::new(Semaphore::new(HANDSHAKES));
    let mut circuits = JoinSet::new();
    let mut next: u32 = 0;
    let mut requests = std::pin::pin!(requests);
    while let Some(request) = requests.next().await {
        while circuits.try_join_next().is_some() {}
        let Ok(turn) = Arc::clone(&handshakes).try_acquire_owned() else {
            let _ = request.reject().await;
            continue;
        };
        let id = CircuitId(next);
        next = next.wrapping_add(1);
        let tx = tx.clone();
        circuits.spawn(async move {
            let accepted = request.accept().await;
            drop(turn);
            let Ok(mut streams) = accepted else { return };
            while let Some(stream) = streams.next().await {
                let Some(io) = open(stream).await else { continue };
                if tx.send(Accepted { io, identity: Identity::Circuit(id) }).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// A stream to port 80 is opened; any other is refused with the reason
/// every onion service gives (`DONE`), so this one is not told apart.
async fn open(stream: StreamRequest) -> Option<DataStream> {
    let to_port_80 = matches!(stream.request(), IncomingStreamRequest::Begin(begin) if begin.port() == 80);
    if !to_port_80 {
        let _ = stream.reject(End::new_with_reason(EndReason::DONE)).await;
        return None;
    }
    stream.accept(Connected::new_empty()).await.ok()
}
