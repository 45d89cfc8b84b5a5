export const TEAM: { id: string; name: string; approvalsChannel: string };
export function teamsUserId(sam: string): string;
export function playgroundConfig(directoryFile: string, as?: string): {
  currentUser: { id: string; name: string; aadObjectId: string };
  users: Array<{ id: string; name: string; aadObjectId: string; userPrincipleName: string }>;
  [key: string]: unknown;
};
