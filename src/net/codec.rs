//! tokio-util codec over [`crate::remoting::frame`].

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use crate::remoting::{frame, DecodeError, RemotingCommand};

/// Frames `RemotingCommand`s on a byte stream.
#[derive(Debug, Default, Clone, Copy)]
pub struct RemotingCodec;

/// A codec failure: bad bytes from the peer, or the socket.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The peer sent something that is not a valid frame.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The socket failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Decoder for RemotingCodec {
    type Item = RemotingCommand;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<RemotingCommand>, CodecError> {
        Ok(frame::decode(src)?)
    }
}

impl Encoder<RemotingCommand> for RemotingCodec {
    type Error = CodecError;

    fn encode(&mut self, cmd: RemotingCommand, dst: &mut BytesMut) -> Result<(), CodecError> {
        Ok(frame::encode(&cmd, dst)?)
    }
}
