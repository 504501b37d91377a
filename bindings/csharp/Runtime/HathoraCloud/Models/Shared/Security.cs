namespace HathoraCloud.Models.Shared
{
    /// <summary>Credentials of a <see cref="HathoraCloudSDK"/>. Game clients leave the token null.</summary>
    public class Security
    {
        /// <summary>Sent as a bearer token to every operation except GetConnectionInfo.</summary>
        public string HathoraDevToken { get; set; }
    }
}
