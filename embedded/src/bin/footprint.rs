#![no_std]
#![no_main]
use cortex_m_rt::entry;
#[entry]
fn main() -> ! { glorot_firmware::exit(true) }
