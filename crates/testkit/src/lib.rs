//! Test helpers shared by the workspace's test suites. Servers here are real ones on
//! 127.0.0.1 (moto_server speaks the real AWS wire protocols), never mocks of our own code.

pub mod moto;
