public import Testing

extension Trait where Self == ConditionTrait {
    /// Runs with a real browser: headless Chromium and chromedriver, driven by Selenium from the interop Python
    /// (``Interop/python``). Without `REMOTE_MCP_PYTHON` these tests skip, so `scripts/test.sh` runs them in its
    /// interop stage, with the rest it skipped before. With it they run, and fail if the browser is missing
    /// (`browser.py` says what to install): the interop stage installs Chromium, and a missing browser there is a
    /// broken set-up, not a reason to skip the sign-in tests quietly.
    public static var needsBrowser: Self {
        .enabled(if: Interop.python != nil, "needs REMOTE_MCP_PYTHON (scripts/test.sh, interop stage)")
    }
}
