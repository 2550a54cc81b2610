fn main() {
    // Generates src/grammar.rs from src/grammar.lalrpop into OUT_DIR; rebuilt only when the
    // grammar changes.
    lalrpop::Configuration::new()
        .emit_rerun_directives(true)
        .process_dir("src")
        .expect("the lalrpop grammar must compile");
}
