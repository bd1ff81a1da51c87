//! Response bodies: a page in up to three pieces held in memory, or a file
//! streamed in bounded chunks. One type for both, so a router's answer is
//! always a [`super::Reply`] whatever it carries.

use super::{pieces, Pieces};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::{Frame, SizeHint};
use std::fs::File;
use std::future::Future;
use std::io;
use std::os::unix::fs::FileExt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tokio::task::JoinHandle;

/// The most of a file read into memory at once for one response: a slow
/// client holds at most this (and hyper's write buffer) however large the
/// file is.
pub const FILE_CHUNK: usize = 64 * 1024;

/// Every response's body.
#[derive(Debug)]
pub struct Body(Inner);

#[derive(Debug)]
enum Inner {
    Pieces(Full<Pieces>),
    File(FileBody),
}

impl Body {
    /// A body held in memory, in pieces.
    pub fn pieces(body: Pieces) -> Body {
        Body(Inner::Pieces(Full::new(body)))
    }

    /// The first `len` bytes of `file`, read in chunks of at most
    /// [`FILE_CHUNK`] on the blocking pool as the client takes them. Reads
    /// are positioned, so any number of bodies can share one open file.
    pub fn file(file: Arc<File>, len: u64) -> Body {
        Body::file_range(file, 0, len)
    }

    /// Bytes `start..end` of `file`, as [`Body::file`] reads them.
    pub fn file_range(file: Arc<File>, start: u64, end: u64) -> Body {
        Body::file_ranges(file, vec![(start, end)])
    }

    /// The ranges `start..end` of `file`, one after the other, as
    /// [`Body::file`] reads them.
    pub fn file_ranges(file: Arc<File>, mut ranges: Vec<(u64, u64)>) -> Body {
        ranges.reverse();
        let (offset, end) = ranges.pop().unwrap_or((0, 0));
        Body(Inner::File(FileBody { file, offset, end, rest: ranges, reading: None }))
    }
}

impl hyper::body::Body for Body {
    type Data = Pieces;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Pieces>, io::Error>>> {
        match &mut self.get_mut().0 {
            Inner::Pieces(full) => Pin::new(full).poll_frame(cx).map_err(|never| match never {}),
            Inner::File(file) => {
                let chunk = ready!(file.poll_chunk(cx));
                Poll::Ready(chunk.map(|c| c.map(|c| Frame::data(pieces(c, Bytes::new(), Bytes::new())))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Inner::Pieces(full) => full.is_end_stream(),
            Inner::File(file) => file.offset >= file.end && file.rest.is_empty(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Inner::Pieces(full) => full.size_hint(),
            Inner::File(file) => SizeHint::with_exact(
                file.end.saturating_sub(file.offset)
                    + file.rest.iter().map(|(s, e)| e.saturating_sub(*s)).sum::<u64>(),
            ),
        }
    }
}

/// A file's bytes `offset..end`, one chunk read at a time.
#[derive(Debug)]
struct FileBody {
    file: Arc<File>,
    offset: u64,
    end: u64,
    /// The ranges after this one, the next last.
    rest: Vec<(u64, u64)>,
    /// The chunk being read; a body dropped mid-read lets it finish unseen.
    reading: Option<JoinHandle<io::Result<Bytes>>>,
}

impl FileBody {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Result<Bytes>>> {
        while self.offset >= self.end {
            let Some((offset, end)) = self.rest.pop() else { return Poll::Ready(None) };
            (self.offset, self.end) = (offset, end);
        }
        let (file, at) = (&self.file, self.offset);
        let len = usize::try_from(self.end - at).map_or(FILE_CHUNK, |left| left.min(FILE_CHUNK));
        let reading = self.reading.get_or_insert_with(|| {
            let file = Arc::clone(file);
            tokio::task::spawn_blocking(move || {
                let mut buf = vec![0; len];
                // A file shorter than it was said to be is an error, never
                // a body that ends early without saying so.
                file.read_exact_at(&mut buf, at)?;
                Ok(Bytes::from(buf))
            })
        });
        let read = ready!(Pin::new(reading).poll(cx));
        self.reading = None;
        let chunk = read.unwrap_or_else(|stopped| Err(io::Error::other(stopped)));
        if let Ok(chunk) = &chunk {
            self.offset += chunk.len() as u64;
        } else {
            // Nothing more of this body after an error.
            self.end = self.offset;
            self.rest.clear();
        }
        Poll::Ready(Some(chunk))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use std::io::Write;

    #[tokio::test]
    async fn a_file_streams_in_bounded_chunks_and_whole() {
        let mut file = tempfile::tempfile().unwrap();
        let bytes: Vec<u8> = (0..FILE_CHUNK * 2 + 10).map(|i| (i % 251) as u8).collect();
        file.write_all(&bytes).unwrap();
        let mut body = Body::file(Arc::new(file), bytes.len() as u64);
        assert_eq!(hyper::body::Body::size_hint(&body).exact(), Some(bytes.len() as u64));
        let mut got = Vec::new();
        while let Some(frame) = body.frame().await {
            let mut data = frame.unwrap().into_data().unwrap();
            assert!(bytes::Buf::remaining(&data) <= FILE_CHUNK);
            while bytes::Buf::has_remaining(&data) {
                let c = bytes::Buf::chunk(&data).to_vec();
                bytes::Buf::advance(&mut data, c.len());
                got.extend(c);
            }
        }
        assert_eq!(got, bytes);
        assert!(hyper::body::Body::is_end_stream(&body));
    }

    #[tokio::test]
    async fn ranges_of_a_file_stream_one_after_the_other() {
        let mut file = tempfile::tempfile().unwrap();
        let bytes: Vec<u8> = (0..FILE_CHUNK * 2).map(|i| (i % 251) as u8).collect();
        file.write_all(&bytes).unwrap();
        let ranges = vec![(3, 10), (10, 10), (FILE_CHUNK as u64 - 5, FILE_CHUNK as u64 + 60_000)];
        let mut body = Body::file_ranges(Arc::new(file), ranges.clone());
        let want: Vec<u8> =
            ranges.iter().flat_map(|&(s, e)| bytes[s as usize..e as usize].to_vec()).collect();
        assert_eq!(hyper::body::Body::size_hint(&body).exact(), Some(want.len() as u64));
        let mut got = Vec::new();
        while let Some(frame) = body.frame().await {
            let mut data = frame.unwrap().into_data().unwrap();
            while bytes::Buf::has_remaining(&data) {
                let c = bytes::Buf::chunk(&data).to_vec();
                bytes::Buf::advance(&mut data, c.len());
                got.extend(c);
            }
        }
        assert_eq!(got, want);
        assert!(hyper::body::Body::is_end_stream(&body));
    }

    #[tokio::test]
    async fn a_file_shorter_than_said_is_an_error() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"short").unwrap();
        let mut body = Body::file(Arc::new(file), 100);
        assert!(body.frame().await.unwrap().is_err());
        assert!(body.frame().await.is_none(), "and nothing after it");
    }
}
