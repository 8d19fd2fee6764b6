/** Where the device authorization page lives unless AGENT_DEVICE_AUTH_PAGE says otherwise (the plugin's default too). */
export const DEFAULT_DEVICE_AUTH_PAGE = "/device/capabilities";
