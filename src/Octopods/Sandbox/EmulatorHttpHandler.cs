using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.Sandbox
{
    /// <summary>Carries HttpClient requests to an emulator in the same process: the -Sandbox transport.</summary>
    internal sealed class EmulatorHttpHandler : HttpMessageHandler
    {
        private readonly OctopodsEmulator _emulator;

        public EmulatorHttpHandler(OctopodsEmulator emulator) => _emulator = emulator;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no address.");
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in request.Headers) headers[header.Key] = string.Join(",", header.Value);
            var body = request.Content == null ? null : await request.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (request.Content != null)
                foreach (var header in request.Content.Headers) headers[header.Key] = string.Join(",", header.Value);

            var answer = _emulator.Handle(new EmulatorRequest(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, body,
                new Uri(uri.GetLeftPart(UriPartial.Authority))));

            var response = new HttpResponseMessage((HttpStatusCode)answer.StatusCode)
            {
                RequestMessage = request,
                Content = new StringContent(answer.Body, Encoding.UTF8, "application/json"),
            };
            foreach (var header in answer.Headers) response.Headers.TryAddWithoutValidation(header.Key, header.Value);
            return response;
        }
    }
}
