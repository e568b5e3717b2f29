//! `wb core install` (written next).
