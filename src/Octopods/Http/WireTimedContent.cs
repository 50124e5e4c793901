using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace Octopods.Http
{
    /// <summary>
    /// A request body that says when it is written to the connection: the moment a send goes onto the
    /// wire, which the pacer counts from (a request can wait for a connection after its turn).
    /// </summary>
    internal sealed class WireTimedContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly Action _onWrite;

        public WireTimedContent(byte[] body, Action onWrite)
        {
            _body = body ?? throw new ArgumentNullException(nameof(body));
            _onWrite = onWrite ?? throw new ArgumentNullException(nameof(onWrite));
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            _onWrite();
            return stream.WriteAsync(_body, 0, _body.Length);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
