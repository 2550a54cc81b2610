//! The bytecode VM (in progress).
