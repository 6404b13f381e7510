// Who is calling: Kubernetes' user.Info (name, uid, groups), established by authentication for each
// request and carried in its RequestContext to the handlers and their logs (authorization and
// admission read it later).
export interface UserInfo {
  name: string;
  uid: string;
  groups: string[];
}

export interface RequestContext {
  user: UserInfo;
}

/** Kubernetes adds this group to every authenticated user. */
export const ALL_AUTHENTICATED = 'system:authenticated';

/**
 * The caller on a loopback server without a token file: every caller is trusted, as Kubernetes'
 * former insecure port did (user system:unsecured in system:masters).
 */
export const LOOPBACK_USER: UserInfo = Object.freeze({ name: 'system:unsecured', uid: '', groups: Object.freeze(['system:masters', ALL_AUTHENTICATED]) as string[] });

/** A caller without credentials on a method open to everyone (gRPC health). */
export const ANONYMOUS_USER: UserInfo = Object.freeze({ name: 'system:anonymous', uid: '', groups: Object.freeze(['system:unauthenticated']) as string[] });

/** The apiserver's own writes (default namespaces, the kubernetes Service), as Kubernetes' loopback client. */
export const APISERVER_USER: UserInfo = Object.freeze({ name: 'system:apiserver', uid: '', groups: Object.freeze(['system:masters', ALL_AUTHENTICATED]) as string[] });

export const APISERVER_CONTEXT: RequestContext = Object.freeze({ user: APISERVER_USER });
