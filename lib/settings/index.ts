export { getSetting, setSetting } from "./queries";
export { isSettingKey, settingDefinitions, type SettingKey, type SettingValue } from "./definitions";
