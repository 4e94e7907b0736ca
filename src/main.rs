fn main() -> std::process::ExitCode {
    coldsign::cli::run()
}
