/*
 * sense.c - REQUEST SENSE: returns (and clears) the oldest unit attention,
 * otherwise NO SENSE.  Autosense data of failed commands travels with
 * their completion (emk_scsi_req.sense), so nothing else is kept.
 */
#include "scsi_int.h"

void emk_scsi_request_sense(emk_scsi_req *req)
{
    uint8_t s[EMK_SCSI_SENSE_LEN];
    unsigned alloc = req->cdb[4], asc;

    /* DESC asks for descriptor format; SPC lets a device that has only
     * the fixed format return that instead */
    asc = emk_scsi_take_ua(req->lu);
    if (asc)
        emk_scsi_build_sense(s, EMK_SCSI_KEY_UNIT_ATTENTION, asc);
    else
        emk_scsi_build_sense(s, EMK_SCSI_KEY_NO_SENSE, EMK_SCSI_ASC_NONE);
    emk_scsi_reply(req, s, alloc < sizeof(s) ? alloc : sizeof(s));
}
