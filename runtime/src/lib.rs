//! Values, VM, helpers, connectors, sync engine, simulator. Arrives with the VM.
