/// The frame every page shares: pages give it their title and content as ``HTML``, so every value in them is
/// already escaped.
///
/// It loads nothing from anywhere: no script, no font, no image, and the stylesheet inline (``PageResponse``'s
/// Content-Security-Policy allows exactly that). The stylesheet keeps to one column at most 28rem wide, 16px text
/// (phones do not zoom into inputs at that size), 44px-high controls, and a dark scheme when the system asks.
enum PageLayout {
    static func page(title: HTML, content: HTML) -> HTML {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="same-origin">
        <title>\(title)</title>
        <style>
        \(Self.style)
        </style>
        </head>
        <body>
        <main>
        \(content)
        </main>
        </body>
        </html>

        """
    }

    static let style: HTML = """
        :root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#5c5c5c;--line:#b8b8b8;--accent:#0b57d0;\
        --on-accent:#fff;--error:#b3261e}
        @media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#141414;--muted:#a8a8a8;--line:#555;\
        --accent:#8ab4f8;--on-accent:#0b1d3a;--error:#f2b8b5}}
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);\
        background:var(--bg)}
        main{max-width:28rem;margin:0 auto;padding:1.5rem 1rem 2rem}
        h1{font-size:1.375rem;line-height:1.3;margin:0 0 1rem}
        p{margin:0 0 1rem}
        strong,code{overflow-wrap:anywhere}
        label{display:block;font-weight:600;margin:1rem 0 .25rem}
        input{display:block;width:100%;min-height:44px;padding:.5rem .75rem;font:inherit;color:inherit;\
        background:transparent;border:1px solid var(--line);border-radius:6px}
        button{display:block;width:100%;min-height:44px;margin-top:1rem;padding:.5rem 1rem;font:inherit;\
        font-weight:600;color:var(--on-accent);background:var(--accent);border:1px solid var(--accent);\
        border-radius:6px}
        button.secondary{color:var(--accent);background:transparent}
        ul{padding-left:1.25rem;margin:0 0 1rem}
        li{margin:.25rem 0}
        .error{color:var(--error);border:1px solid var(--error);border-radius:6px;padding:.5rem .75rem}
        .muted{color:var(--muted);font-size:.9375rem}
        """
}
