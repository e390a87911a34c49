// service worker placeholder
