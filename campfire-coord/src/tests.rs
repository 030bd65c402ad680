//! Transcripts of the hub: timed inputs and the outputs they produce.

mod script;
mod transcripts;
