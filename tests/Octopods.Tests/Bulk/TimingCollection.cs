using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Http;
using Octopods.Sandbox;
using Octopods.Sms;
using Octopods.TestServer;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>
    /// Wall-clock timing tests: they run alone (no other test of this assembly alongside), so the
    /// server's arrival timestamps are not skewed by a starved thread pool.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class TimingCollection
    {
        public const string Name = "Wall-clock timing";
    }
}
