namespace Octopods.Sandbox
{
    /// <summary>One API family (SMS, WhatsApp, VBM) served by the emulator.</summary>
    internal interface IEmulatorFamily
    {
        OctopodsChannel Channel { get; }
        string PathPrefix { get; }
        /// <summary>The error number this family uses for a deprecated key.</summary>
        int DeprecatedKeyCode { get; }
        EmulatorResponse Handle(EmulatorRequest request, string relativePath, string requestId);
        /// <summary>Takes back a send accepted by an earlier process (<see cref="SandboxStore"/>), as if this one had.</summary>
        void Restore(AcceptedSend send);
    }
}
