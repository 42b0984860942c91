// DOM event handler attribute names (HTML Living Standard §8.1.8.2 plus legacy and SVG ones).

const NAMES =
  'abort activate afterprint afterscriptexecute animationcancel animationend animationiteration animationstart ' +
  'auxclick beforeactivate beforecopy beforecut beforedeactivate beforeinput beforepaste beforeprint ' +
  'beforescriptexecute beforetoggle beforeunload begin blur bounce canplay canplaythrough cellchange change ' +
  'click close contextmenu controlselect copy cuechange cut dataavailable datasetchanged datasetcomplete ' +
  'dblclick deactivate drag dragend dragenter dragexit dragleave dragover dragstart drop durationchange ' +
  'emptied end ended error errorupdate filterchange finish focus focusin focusout formdata fullscreenchange ' +
  'gotpointercapture hashchange help input invalid keydown keypress keyup layoutcomplete load loadeddata ' +
  'loadedmetadata loadend loadstart losecapture lostpointercapture message mousedown mouseenter mouseleave ' +
  'mousemove mouseout mouseover mouseup mousewheel move moveend movestart offline online pagehide pageshow ' +
  'paste pause play playing pointercancel pointerdown pointerenter pointerleave pointermove pointerout ' +
  'pointerover pointerrawupdate pointerup popstate progress propertychange ratechange readystatechange repeat ' +
  'reset resize resizeend resizestart rowenter rowexit rowsdelete rowsinserted scroll scrollend search seek ' +
  'seeked seeking select selectionchange selectstart show start stalled storage submit suspend timeupdate ' +
  'timeout toggle touchcancel touchend touchmove touchstart transitioncancel transitionend transitionrun ' +
  'transitionstart unload urlchange volumechange waiting webkitanimationend webkitanimationiteration ' +
  'webkitanimationstart webkittransitionend wheel zoom';

/** `on…` attribute names that run script. */
export const EVENT_HANDLERS: ReadonlySet<string> = new Set(NAMES.split(' ').map((name) => `on${name}`));
