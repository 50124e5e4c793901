namespace Octopods.TestServer
{
    /// <summary>A misbehaviour the test server can inject (see <see cref="FaultInjector"/>); whether the emulator took the request first is noted on each.</summary>
    public enum ServerFault
    {
        None,
        /// <summary>HTTP 500 with a JSON error, before the emulator (nothing accepted).</summary>
        ServerError,
        /// <summary>HTTP 502 with an HTML page from a "proxy", before the emulator.</summary>
        HtmlBadGateway,
        /// <summary>The connection is dropped before the emulator sees the request.</summary>
        ResetBeforeBody,
        /// <summary>The emulator accepts the request, then the connection is dropped before the answer.</summary>
        ResetAfterBody,
        /// <summary>The emulator accepts the request, then the answer never comes (the client times out).</summary>
        Timeout,
        /// <summary>The emulator accepts the request; the answer stops half-way through its JSON.</summary>
        TruncatedBody,
        /// <summary>The emulator accepts the request; the answer is HTTP 200 JSON of another shape (no message_id).</summary>
        WrongShape,
        /// <summary>HTTP 429 whose "try after" cannot be read (the client waits its default).</summary>
        RateLimitUnparseable,
        /// <summary>HTTP 429 naming a time already past.</summary>
        RateLimitPast,
        /// <summary>HTTP 429 naming a time hours away (a daily quota).</summary>
        RateLimitFarFuture,
        /// <summary>HTTP 307 to another origin (127.0.0.2), which must not be followed.</summary>
        RedirectElsewhere,
        /// <summary>The emulator accepts the request; the answer is 2 MiB of JSON.</summary>
        HugeBody,
        /// <summary>HTTP 401 whose text repeats the key the request carried.</summary>
        EchoKey,
        /// <summary>The emulator accepts the request; its ids come back with terminal controls in them (ESC, CR, LF, BEL).</summary>
        HostileText,
    }
}
