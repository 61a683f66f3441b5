//! The ACL 1.0 codes (4.9.8 only): UPDATE_AND_CREATE_ACL_CONFIG (50), DELETE_ACL_CONFIG (51),
//! GET_BROKER_CLUSTER_ACL_INFO (52), UPDATE_GLOBAL_WHITE_ADDRS_CONFIG (53), answered as a Java broker with
//! ACL off answers them (mqadmin.md §2.6). ACL itself is the security issue's.
//!
//! With ACL off the 4.9.8 broker has no `PlainAccessValidator`: 50, 51 and 53 fail inside the handler with
//! their failure code and the NullPointerException's message as the remark (null on JDK 8; JDK 14+ words it;
//! Thruster answers null). 52 catches the failure and writes no response at all, so the tool waits for its
//! timeout; Thruster keeps its rule that every request is answered and says why at once (SYSTEM_ERROR). 5.3.3
//! does not know these codes (REQUEST_CODE_NOT_SUPPORTED).

use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::remoting::{Request, ResponseCode};

/// The answer of a broker without ACL.
pub(crate) fn acl_disabled(ctx: &RequestCtx<'_>, code: Request) -> Reply {
    if ctx.broker.flavor().is_v5() {
        return Err(Refusal::not_supported(code.code()));
    }
    tracing::warn!(code = code.name(), caller = %ctx.peer(), "ACL request on a broker without ACL (aclEnable=false)");
    match code {
        Request::UPDATE_AND_CREATE_ACL_CONFIG => Err(Refusal::bare(ResponseCode::UPDATE_AND_CREATE_ACL_CONFIG_FAILED)),
        Request::DELETE_ACL_CONFIG => Err(Refusal::bare(ResponseCode::DELETE_ACL_CONFIG_FAILED)),
        Request::UPDATE_GLOBAL_WHITE_ADDRS_CONFIG => {
            Err(Refusal::bare(ResponseCode::UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED))
        }
        _ => Err(Refusal::system_error("ACL is not enabled on this broker (aclEnable=false)")),
    }
}
